"""Forms for the schemes screens."""

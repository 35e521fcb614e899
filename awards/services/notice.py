"""The public notice: objections filed by the public and resolved by the national office."""

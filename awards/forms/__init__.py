"""Forms of the award round, one module per part of the round."""

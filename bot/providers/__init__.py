"""HTTP clients for the status-page providers; each speaks its vendor's vocabulary."""

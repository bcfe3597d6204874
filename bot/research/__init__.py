"""Research data: pseudonymised exports, the data dictionary and the HTML report."""

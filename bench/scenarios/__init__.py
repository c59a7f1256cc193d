"""One module per measurement the issue asks for."""

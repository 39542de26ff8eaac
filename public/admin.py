"""Nothing to administer: the public site shows the board's own records (``boards``), kept in their admin."""

"""Counties with their history and the county structure of each year, training offices and
companies."""

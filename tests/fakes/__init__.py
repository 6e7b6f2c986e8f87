"""Stand-ins for outside services that tests start on loopback (never the internet)."""

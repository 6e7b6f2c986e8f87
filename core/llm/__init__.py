"""Claude: the adapter (``claude``), request/reply shapes (``types``), prices and model checks."""

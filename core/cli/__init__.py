"""The command line: ``python -m core …`` drives the same services as the pages."""

from core.cli.main import run

run()

from progleton.cli import run

run()

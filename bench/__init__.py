"""The public-site benchmark (issue 5, "Speed"): `python bench/run.py --help`.

seed.py     fills a dedicated database with N published stories, in bulk
wrk.py      drives a server on loopback with wrk, and reads its figures
report.py   percentiles, ratios to the static file, the issue's targets, the table
run.py      the command: seed, collectstatic, gunicorn, load, report
mixed.py    the page cache's hit ratio under a mixed load (issue 13), with
counting.py its server's WSGI wrapper, which counts hits and renders
"""

"""`guard audit`: scan-history's engine over many repositories, as tasks on a Dask cluster.

repos.py names the repositories and where each is scanned; tasks.py holds the functions the
workers run; engine.py builds the cluster and the task graph on the client.
"""

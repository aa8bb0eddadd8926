"""The agent: runs queued tasks on this machine (``jupyter track agent daemon|execute|list``).

``daemon.Daemon`` listens to queues as a worker and runs each task in a child process
(``client/execution.py``, shared with pipelines; ``--venv`` through ``venv.py``); ``create`` makes tasks from scripts
(``jupyter track task``).
"""

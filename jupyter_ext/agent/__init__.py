"""The agent: runs queued tasks on this machine (``jupyter track agent daemon|execute|list``).

``execute.run_task(task_id)`` runs one task in a child process and sets its final status;
``daemon.Daemon`` listens to queues as a worker; ``create`` makes tasks from scripts
(``jupyter track task``).
"""

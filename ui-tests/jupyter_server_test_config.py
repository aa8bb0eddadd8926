"""The JupyterLab the UI tests drive: Galata's settings, our server extension, a base URL
like JupyterHub's, and the store the test run seeded (JUPYTER_TRACK_HOME in the environment)."""
import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 -- `c` is the config object Jupyter provides
c.ServerApp.ip = "127.0.0.1"  # noqa: F821
# the port and base_url come on the command line (playwright.config.js)
c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.jpserver_extensions = {"jupyter_ext.server": True}  # noqa: F821
c.ServerApp.root_dir = os.environ.get("JE_UI_ROOT", os.getcwd())  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821

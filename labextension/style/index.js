import './base.css';
import './models.css';
import './workbench.css';
import './compare.css';
import './notebook.css';

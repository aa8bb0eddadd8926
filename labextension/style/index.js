import './base.css';
import './models.css';
import './workbench.css';

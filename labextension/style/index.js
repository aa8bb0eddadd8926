import './base.css';
import './models.css';
import './notebook.css';

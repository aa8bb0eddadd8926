import './base.css';
import './models.css';
import './compare.css';

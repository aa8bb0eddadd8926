import * as React from 'react';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';

import { ExperimentsModel, IProjectNode, shortName } from '../model/experiments';
import { useAction, useSignal, ErrorLine } from './common';
import { showShareDialog } from './shareDialog';

/** The project tree with create, rename, move and delete (the guide's Projects page). */
export function ProjectTree(props: { model: ExperimentsModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, r => r === 'projects' || r === 'filters' || r === 'rows');
  const [collapsed, setCollapsed] = React.useState<Set<string>>(new Set());
  const [error, run] = useAction();
  const selected = model.projectId;
  const current = model.projects.find(p => p.id === selected);

  const create = () =>
    run(async () => {
      const prefix = current ? `${current.path || current.name}/` : '';
      const answer = await InputDialog.getText({
        title: 'New project',
        label: 'Name (use / for subprojects)',
        text: prefix
      });
      if (answer.button.accept && answer.value) {
        await model.createProject(answer.value);
      }
    });
  const rename = () =>
    run(async () => {
      if (!current) {
        return;
      }
      const answer = await InputDialog.getText({ title: 'Rename project', text: shortName(current) });
      if (answer.button.accept && answer.value) {
        await model.renameProject(current.id, answer.value);
      }
    });
  const move = () =>
    run(async () => {
      if (!current) {
        return;
      }
      const others = model.projects.filter(p => p.id !== current.id && !p.hidden);
      const top = '(top level)';
      const answer = await InputDialog.getItem({
        title: `Move "${shortName(current)}" under`,
        items: [top, ...others.map(p => p.path || p.name)]
      });
      if (answer.button.accept && answer.value) {
        const parent = others.find(p => (p.path || p.name) === answer.value);
        await model.moveProject(current.id, parent ? parent.id : null);
      }
    });
  const remove = () =>
    run(async () => {
      if (!current) {
        return;
      }
      const answer = await showDialog({
        title: 'Delete project',
        body: `Delete "${current.path || current.name}"? The server refuses when it still holds tasks.`,
        buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
      });
      if (answer.button.accept) {
        await model.deleteProject(current.id);
      }
    });

  const renderNode = (node: IProjectNode): React.ReactNode => {
    const id = node.project.id;
    const open = !collapsed.has(id);
    return (
      <React.Fragment key={id}>
        <div
          className={`je-project ${selected === id ? 'je-selected' : ''}`}
          style={{ paddingLeft: 8 + node.depth * 14 }}
          data-project={node.project.path || node.project.name}
          onClick={() => void model.setProject(id)}
        >
          <span
            className="je-twisty"
            onClick={e => {
              e.stopPropagation();
              const next = new Set(collapsed);
              if (open) {
                next.add(id);
              } else {
                next.delete(id);
              }
              setCollapsed(next);
            }}
          >
            {node.children.length ? (open ? '▾' : '▸') : ''}
          </span>
          <span className="je-project-name">{shortName(node.project)}</span>
          {node.project.tasks ? <span className="je-count">{node.project.tasks}</span> : null}
        </div>
        {open ? node.children.map(renderNode) : null}
      </React.Fragment>
    );
  };

  return (
    <div className="je-projects">
      <div className="je-toolbar">
        <span className="je-section-title">Projects</span>
        <button className="je-btn" title="New project" onClick={() => void create()}>
          New
        </button>
        <button
          className="je-btn"
          title={model.canEditProjects ? 'Rename project' : 'This server cannot rename projects yet'}
          disabled={!current || !model.canEditProjects}
          onClick={() => void rename()}
        >
          Rename
        </button>
        <button
          className="je-btn"
          title={model.canEditProjects ? 'Move project' : 'This server cannot move projects yet'}
          disabled={!current || !model.canEditProjects}
          onClick={() => void move()}
        >
          Move
        </button>
        <button
          className="je-btn"
          data-action="share"
          title="Who may see or change this project and its subprojects"
          disabled={!current}
          onClick={() => current && void run(() => showShareDialog(model.client, current))}
        >
          Share
        </button>
        <button
          className="je-btn"
          title={model.canEditProjects ? 'Delete project' : 'This server cannot delete projects yet'}
          disabled={!current || !model.canEditProjects}
          onClick={() => void remove()}
        >
          Delete
        </button>
      </div>
      <ErrorLine error={error} />
      <div className="je-project-list">
        <div
          className={`je-project ${selected === null ? 'je-selected' : ''}`}
          style={{ paddingLeft: 8 }}
          data-project=""
          onClick={() => void model.setProject(null)}
        >
          <span className="je-twisty" />
          <span className="je-project-name">All projects</span>
        </div>
        {model.tree.map(renderNode)}
      </div>
    </div>
  );
}

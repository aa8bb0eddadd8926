import { absoluteNotebookPath, parseProbe, PROBE_EXPRESSION } from '../model/notebookPath';

function hex(s: string): string {
  return Array.from(new TextEncoder().encode(s), b => b.toString(16).padStart(2, '0')).join('');
}

describe('the probe of the snapshot comm target', () => {
  it('reads whether the target is there and the home, whatever characters the home has', () => {
    expect(parseProbe(`'1${hex('/home/ann')}'`)).toEqual({ hasTarget: true, home: '/home/ann' });
    expect(parseProbe(`'0${hex("/home/o'brien/é")}'`)).toEqual({ hasTarget: false, home: "/home/o'brien/é" });
  });

  it('refuses answers that are not its own', () => {
    expect(parseProbe("''")).toBeNull();
    expect(parseProbe("'1abc'")).toBeNull();
    expect(parseProbe('NameError')).toBeNull();
  });

  it('never imports: it reads comm from sys.modules only', () => {
    expect(PROBE_EXPRESSION).toContain("modules.get('comm')");
    expect(PROBE_EXPRESSION).not.toMatch(/__import__\('(?!sys'|os')/);
  });
});

describe('the notebook path sent to the kernel', () => {
  it('joins the server root and the path under it', () => {
    expect(absoluteNotebookPath('/srv/work', '/root', 'a/b.ipynb')).toBe('/srv/work/a/b.ipynb');
    expect(absoluteNotebookPath('/', '/root', 'b.ipynb')).toBe('/b.ipynb');
  });

  it("expands a root under the home with the kernel's home", () => {
    expect(absoluteNotebookPath('~/work', '/home/ann/', 'x.ipynb')).toBe('/home/ann/work/x.ipynb');
    expect(absoluteNotebookPath('~', '/home/ann', 'x.ipynb')).toBe('/home/ann/x.ipynb');
  });

  it('falls back to the server-relative path without a root', () => {
    expect(absoluteNotebookPath('', '/root', 'dir/x.ipynb')).toBe('dir/x.ipynb');
  });
});

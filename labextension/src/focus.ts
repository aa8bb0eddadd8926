/**
 * Which task belongs to the notebook in focus: asked of its kernel without running user code.
 *
 * The question is a user expression on an empty, silent execute request: it reads
 * `Task.current_task()` only if the SDK is already imported in the kernel (it never imports
 * anything), so asking is free of side effects and leaves no trace in the notebook's history.
 */

import type { Kernel, KernelMessage } from '@jupyterlab/services';

const EXPRESSION =
  "(lambda m: (lambda t: t.id if t is not None else '')(m.Task.current_task()) if m is not None else '')" +
  "(__import__('sys').modules.get('jupyter_ext.sdk.tasks.task'))";

export async function taskOfKernel(kernel: Kernel.IKernelConnection | null | undefined): Promise<string | null> {
  if (!kernel || kernel.status === 'dead') {
    return null;
  }
  const future = kernel.requestExecute(
    { code: '', silent: true, store_history: false, user_expressions: { task: EXPRESSION } },
    true
  );
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  const content = reply.content as KernelMessage.IExecuteReply & {
    user_expressions?: Record<string, { status: string; data?: Record<string, unknown> }>;
  };
  const answer = content.user_expressions?.task;
  if (!answer || answer.status !== 'ok') {
    return null;
  }
  const text = String(answer.data?.['text/plain'] ?? '').replace(/^['"]|['"]$/g, '');
  return /^[0-9a-f]{8,}$/i.test(text) ? text : null;
}

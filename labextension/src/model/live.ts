/**
 * Live updates: the server's `changes` feed when it is there, a poll otherwise.
 *
 * The poll idles while the browser tab is hidden (Lumino's `standby: 'when-hidden'`) and slows
 * down to a safety net while the push feed is healthy, so an idle JupyterLab costs the server
 * nothing.
 */

import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import type { IChange } from '../api/shapes';

export interface ILiveOptions {
  /** Opens the push feed; null when there is none (then only the poll runs). */
  openSocket?: () => WebSocket | null;
  /** Milliseconds between polls without a push feed. */
  interval?: number;
  /** Milliseconds between safety polls while the push feed is up. */
  slowInterval?: number;
}

export class LiveFeed {
  constructor(options: ILiveOptions = {}) {
    this._openSocket = options.openSocket ?? (() => null);
    this._interval = options.interval ?? 5000;
    this._slow = options.slowInterval ?? 60000;
    this._poll = new Poll({
      factory: async () => {
        this._changed.emit({ kind: 'poll' });
      },
      frequency: { interval: this._interval, backoff: false },
      standby: 'when-hidden',
      name: 'jupyter-ext:live'
    });
    this.connect();
  }

  /** Open the push feed now (again): call when `openSocket` can first return a socket. */
  connect(): void {
    if (this._socket === null) {
      this._connect();
    }
  }

  /** Every change, and `{kind: 'poll'}` when the poll fires (re-read what you show). */
  get changed(): ISignal<this, IChange> {
    return this._changed;
  }

  get pushing(): boolean {
    return this._socket !== null && this._socket.readyState === 1;
  }

  /** Ask listeners to re-read now (after a user's own action, say). */
  refresh(): void {
    void this._poll.refresh();
  }

  dispose(): void {
    this._disposed = true;
    this._socket?.close();
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _connect(): void {
    if (this._disposed) {
      return;
    }
    let socket: WebSocket | null = null;
    try {
      socket = this._openSocket();
    } catch {
      socket = null;
    }
    if (!socket) {
      return;
    }
    this._socket = socket;
    socket.onopen = () => {
      this._retry = 1000;
      this._poll.frequency = { interval: this._slow, backoff: false, max: this._slow };
    };
    socket.onmessage = event => {
      try {
        const data = JSON.parse(String(event.data)) as IChange | IChange[];
        for (const change of Array.isArray(data) ? data : [data]) {
          this._changed.emit(change);
        }
      } catch {
        // A frame that is not JSON (a keep-alive) carries no change.
      }
    };
    socket.onclose = () => {
      this._socket = null;
      this._poll.frequency = { interval: this._interval, backoff: false, max: this._interval };
      if (!this._disposed) {
        setTimeout(() => this._connect(), this._retry);
        this._retry = Math.min(this._retry * 2, 60000);
      }
    };
  }

  private _changed = new Signal<this, IChange>(this);
  private _poll: Poll;
  private _socket: WebSocket | null = null;
  private _openSocket: () => WebSocket | null;
  private _interval: number;
  private _slow: number;
  private _retry = 1000;
  private _disposed = false;
}

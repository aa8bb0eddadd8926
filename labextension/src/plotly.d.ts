// The few calls of plotly.js the charts make (the package ships no types of its own).
declare module 'plotly.js-dist-min' {
  export function react(el: HTMLElement, data: unknown[], layout?: unknown, config?: unknown): Promise<unknown>;
  export function purge(el: HTMLElement): void;
  export const Plots: { resize(el: HTMLElement): void };
}

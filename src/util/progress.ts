/**
 * Progress for long waits: one line per step with its elapsed time. On a TTY the current line ticks every
 * second; elsewhere (CI logs) a heartbeat line is printed every 30 s so a long build never looks hung.
 */
export class Progress {
  private step = 0;
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private label = "";
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {}

  begin(label: string): void {
    this.end();
    this.step++;
    this.label = label;
    this.started = Date.now();
    if (this.quiet) return;
    this.render(false);
    this.timer = setInterval(() => this.render(false), this.tty ? 1000 : 30_000);
    this.timer.unref();
  }

  /** Replaces the detail of the current step (e.g. "compiling kube-scheduler"). */
  detail(label: string): void {
    this.label = label;
    if (this.tty && !this.quiet) this.render(false);
  }

  end(result = "done"): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.quiet) this.render(true, result);
  }

  private render(final: boolean, result?: string): void {
    const secs = Math.round((Date.now() - this.started) / 1000);
    const elapsed =
      secs >= 60 ? `${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, "0")}s` : `${secs}s`;
    const line = `[${this.step}/${this.total}] ${this.label} (${elapsed})${final ? ` ${result}` : ""}`;
    if (this.tty) this.out.write(`\r\x1b[K${line}${final ? "\n" : ""}`);
    else if (final || secs > 0 || this.step > 0) this.out.write(`${line}\n`);
  }
}

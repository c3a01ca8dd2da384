/**
 * A controller's work queue, as kube-controller-manager's: an item added again before it is worked on is worked on
 * once, after the write that added it has returned (the next turn of the event loop), as a controller acts after
 * the watch event.
 */
export class WorkQueue<T> {
  private readonly items = new Map<string, T>();
  private scheduled = false;
  private readonly work: (item: T) => void;

  constructor(work: (item: T) => void) {
    this.work = work;
  }

  add(key: string, item: T): void {
    this.items.set(key, item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const due = [...this.items.values()];
      this.items.clear();
      for (const i of due) this.work(i);
    });
  }
}

// Holds a real activity at its start until the test lets it through: the way a slow database or
// mail server holds a flow between two steps. Real time only (no timed assertions): the test
// waits for `entered`, does what must happen meanwhile, then calls `open()`.
export interface Gate {
  /** Resolves when the first held call has arrived. */
  readonly entered: Promise<void>;
  /** Lets every held call (and every later one) through. */
  open(): void;
  /** How many calls it has held so far. */
  readonly held: number;
  /** Awaited by the wrapper before the real activity runs. */
  pass(): Promise<void>;
}

export function gate(): Gate {
  let open!: () => void;
  let enter!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const entered = new Promise<void>((resolve) => (enter = resolve));
  let isOpen = false;
  let held = 0;
  return {
    entered,
    open() {
      isOpen = true;
      open();
    },
    get held() {
      return held;
    },
    async pass() {
      if (isOpen) return;
      held += 1;
      enter();
      await opened;
    },
  };
}

// Locks the app after a period without input. `onIdle` runs once; `stop` removes the
// listeners. `poke` is what every user input calls.
export interface IdleTimer {
  poke(): void;
  stop(): void;
}

const EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

export function startIdleTimer(minutes: number, onIdle: () => void, target: EventTarget = window): IdleTimer {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    if (handle !== undefined) clearTimeout(handle);
    handle = setTimeout(() => {
      stop();
      onIdle();
    }, minutes * 60_000);
  };
  const stop = () => {
    stopped = true;
    if (handle !== undefined) clearTimeout(handle);
    for (const e of EVENTS) target.removeEventListener(e, arm);
  };
  for (const e of EVENTS) target.addEventListener(e, arm, { passive: true });
  arm();
  return { poke: arm, stop };
}

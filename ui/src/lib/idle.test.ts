import { afterEach, describe, expect, it, vi } from "vitest";
import { startIdleTimer } from "./idle";

afterEach(() => vi.useRealTimers());

describe("idle lock", () => {
  it("fires once after the configured minutes without input", () => {
    vi.useFakeTimers();
    const target = new EventTarget();
    const onIdle = vi.fn();
    startIdleTimer(5, onIdle, target);
    vi.advanceTimersByTime(4 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
  it("starts counting again at every key press or touch", () => {
    vi.useFakeTimers();
    const target = new EventTarget();
    const onIdle = vi.fn();
    startIdleTimer(2, onIdle, target);
    vi.advanceTimersByTime(90_000);
    target.dispatchEvent(new Event("keydown"));
    vi.advanceTimersByTime(90_000);
    target.dispatchEvent(new Event("pointerdown"));
    vi.advanceTimersByTime(90_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
  it("does nothing once stopped (locked by hand)", () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const timer = startIdleTimer(1, onIdle, new EventTarget());
    timer.stop();
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});

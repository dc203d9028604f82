// One change to a flow's state at a time. An Update handler that awaits (an audit write, a child
// start) lets the next Update's handler run in between; two start-date changes would then leave
// tasks on a mix of dates, and two hepatitis B reversals would each add the vaccination task
// (issue 18). Every state change (an Update's, or one a flow makes on a signal's behalf) runs
// through here, in arrival order, and re-checks its preconditions when its turn comes.
//
// Replay: with nothing in flight the change runs at once and its own promise is handed back (no
// extra microtask turns), so histories recorded before this existed replay unchanged; only a
// change that has to wait calls patched(), which records the marker.
import { condition, patched } from '@temporalio/workflow';

/** Patch id: a state change waits for the one in flight instead of interleaving with it. */
export const PATCH_ONE_CHANGE_AT_A_TIME = 'engine-one-change-at-a-time';

export class OneChangeAtATime {
  /** Turns handed out, and turns finished: turn n runs once n turns have finished (FIFO). */
  private issued = 0;
  private finished = 0;

  /** No change is in flight or waiting. */
  get idle(): boolean {
    return this.finished === this.issued;
  }

  /** Takes a turn for work the caller runs itself (it must not wait: the flow's opening); returns its end. */
  begin(): () => void {
    this.issued += 1;
    let ended = false;
    return () => {
      if (!ended) this.finished += 1;
      ended = true;
    };
  }

  /**
   * Runs `change` in its turn. `waited` tells it whether another change ran since its Update was
   * validated: only then must it check its preconditions again (a handler that did not check
   * before this existed keeps not checking, so its recorded histories replay).
   */
  run<T>(change: (turn: { waited: boolean }) => Promise<T>): Promise<T> {
    const turn = this.issued;
    const end = this.begin();
    let work: Promise<T>;
    try {
      work =
        turn === this.finished || !patched(PATCH_ONE_CHANGE_AT_A_TIME)
          ? change({ waited: false })
          : condition(() => this.finished === turn).then(() => change({ waited: true }));
    } catch (err) {
      end();
      throw err;
    }
    work.then(end, end);
    return work;
  }
}

/**
 * The PIN pad. The renderer never learns which digit was typed: the main process shuffles the
 * labels for every PIN entry and the renderer reports key positions; the digits go straight into
 * the card service's PinBuffer, which is wiped right after VERIFY.
 */
import { randomInt } from 'node:crypto';

export class ShuffledKeypad {
  readonly labels: string[];

  constructor(random: (max: number) => number = randomInt) {
    const labels = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    for (let i = labels.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [labels[i], labels[j]] = [labels[j]!, labels[i]!];
    }
    this.labels = labels;
  }

  digitAt(position: number): number {
    const label = this.labels[position];
    if (label === undefined) throw new RangeError('no such key');
    return Number(label);
  }
}

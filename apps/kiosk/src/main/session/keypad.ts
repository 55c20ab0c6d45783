/**
 * The PIN pad. The main process shuffles the labels for every PIN entry and the renderer reports
 * key positions, so the intents, the bridge traffic and the logs never carry a digit, and neither a
 * bystander watching hands nor smudges on the glass give the PIN away. The renderer draws the
 * labels, so a compromised renderer could still pair labels with positions: ARCHITECTURE.md's trust
 * table says why that is accepted. The digits go straight into the card service's PinBuffer, which
 * is wiped right after VERIFY.
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

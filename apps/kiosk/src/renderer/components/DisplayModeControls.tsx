/**
 * The resident's display modes, in every screen's header: larger text and high contrast, each a
 * toggle of its own (both may be on). The main process keeps them in the view for the session,
 * like the language, so they survive every screen change and end with the session.
 */
import { DisplayMode } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';

export function DisplayModeControls() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  return (
    <div className="display-modes" role="group" aria-label={t('display.label')}>
      {DisplayMode.options.map((mode) => {
        const on = view.display?.[mode] ?? false;
        return (
          <button
            key={mode}
            type="button"
            className="display-mode"
            data-display-mode={mode}
            aria-pressed={on}
            onClick={() => void send({ type: 'setDisplay', mode, on: !on })}
          >
            {/* The state is said by the mark as well as by the colour. */}
            <span className="check" aria-hidden="true">
              {on ? '✓' : ''}
            </span>
            <span>{t(`display.${mode}`)}</span>
          </button>
        );
      })}
    </div>
  );
}

/**
 * A confirmation before anything that cannot be undone from the same page (cancel a fee, end an
 * outage, approve, disable, revoke, apply an import): react-aria's modal dialog, which keeps focus
 * inside, closes on Escape and returns focus to the button that opened it.
 */
import { useState, type ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from './messages.js';

export interface ConfirmDialogProps {
  triggerLabel: string;
  title: string;
  body?: ReactNode;
  confirmLabel?: string;
  isDisabled?: boolean;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
}

export function ConfirmDialog({ triggerLabel, title, body, confirmLabel, isDisabled, danger, onConfirm }: ConfirmDialogProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <DialogTrigger onOpenChange={() => setError(null)}>
      <Button className={danger ? 'button danger' : 'button'} isDisabled={isDisabled}>
        {triggerLabel}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog role="alertdialog" className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{title}</Heading>
                {body ? <div className="dialog-body">{body}</div> : null}
                {error ? <ErrorMessage error={error} /> : null}
                <div className="actions">
                  <Button className="button secondary" onPress={close} autoFocus>
                    {t('common.cancel')}
                  </Button>
                  <Button
                    className={danger ? 'button danger' : 'button'}
                    isDisabled={busy}
                    onPress={async () => {
                      setBusy(true);
                      try {
                        await onConfirm();
                        close();
                      } catch (e) {
                        setError(e);
                      } finally {
                        setBusy(false);
                      }
                    }}
                  >
                    {confirmLabel ?? t('common.confirm')}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

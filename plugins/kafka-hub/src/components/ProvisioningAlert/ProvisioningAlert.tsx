import { useEffect, useMemo, useState } from 'react';
import {
  KafkaApplication,
  ProvisioningStatus,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import CloseIcon from '@material-ui/icons/Close';
import Alert from '@material-ui/lab/Alert';
import { MAX_APPLICATIONS_PAGE } from '../../api/KafkaHubApi';
import { ProvisioningErrorModal } from '../ProvisioningErrorModal';
import {
  hasProvisioningIssue,
  useApplicationList,
} from '../ProvisioningCommon';

const ISSUE_STATUSES: ProvisioningStatus[] = ['failed', 'partial'];

/**
 * The banner's dismissal lasts for the browser session and for the issues
 * it was dismissed with: an application that starts failing shows it again.
 */
const dismissalKey = (scope: string, issues: KafkaApplication[]) =>
  `kafka-hub:provisioning-alert-dismissed:${scope}:${issues
    .map(app => `${app.entityRef}=${app.status}`)
    .sort()
    .join(',')}`;

function readDismissed(key: string): boolean {
  try {
    return window.sessionStorage.getItem(key) === 'true';
  } catch {
    return false; // storage disabled: the banner shows
  }
}

function writeDismissed(key: string) {
  try {
    window.sessionStorage.setItem(key, 'true');
  } catch {
    // storage disabled: dismissed until the page reloads
  }
}

/**
 * Props of {@link ProvisioningAlert}.
 *
 * @public
 */
export interface ProvisioningAlertProps {
  /** The banner of one entity's application... */
  entityRef?: string;
  /** ...or of every application of this owner (a Group's entity ref). */
  ownerRef?: string;
  /**
   * Applications the caller already loaded; the banner then loads nothing
   * itself. Without it, the banner loads `entityRef`'s or `ownerRef`'s.
   */
  applications?: KafkaApplication[];
  /** Called when the dialog closes, so the caller can reload. */
  onChange?: () => void;
}

/**
 * "N applications have provisioning issues" (failed or partial) with a
 * "View details" button that opens the {@link ProvisioningErrorModal}.
 * Renders nothing while loading, when all is well, or when loading failed
 * (logged to the console: the banner never breaks the page).
 *
 * @public
 */
export const ProvisioningAlert = (props: ProvisioningAlertProps) => {
  const { entityRef, ownerRef, applications, onChange } = props;
  const [open, setOpen] = useState(false);
  const controlled = applications !== undefined;
  // Only the applications with issues: one page holds them however many
  // applications the owner has.
  const request = useMemo(
    () =>
      controlled || (!entityRef && !ownerRef)
        ? undefined
        : {
            entityRef,
            owner: ownerRef,
            status: ISSUE_STATUSES,
            limit: MAX_APPLICATIONS_PAGE,
          },
    [controlled, entityRef, ownerRef],
  );
  const { value, error, refresh } = useApplicationList(request);

  useEffect(() => {
    if (error) {
      // eslint-disable-next-line no-console
      console.error(
        `Kafka Hub: could not load the provisioning status of ${
          entityRef ?? ownerRef
        }`,
        error,
      );
    }
  }, [error, entityRef, ownerRef]);

  const items = applications ?? value?.items ?? [];
  const issues = items.filter(hasProvisioningIssue);
  const count = issues.length;
  const key = dismissalKey(entityRef ?? ownerRef ?? 'all', issues);
  const [dismissedKey, setDismissedKey] = useState<string>();
  const dismissed = dismissedKey === key || readDismissed(key);
  const dismiss = () => {
    writeDismissed(key);
    setDismissedKey(key);
  };

  const onClose = () => {
    setOpen(false);
    if (!controlled) {
      refresh();
    }
    onChange?.();
  };

  return (
    <>
      {count > 0 && !dismissed && (
        <Alert
          severity="warning"
          action={
            <>
              <Button
                color="inherit"
                size="small"
                onClick={() => setOpen(true)}
              >
                View details
              </Button>
              <IconButton
                color="inherit"
                size="small"
                aria-label="Dismiss for this session"
                title="Dismiss for this session"
                onClick={dismiss}
              >
                <CloseIcon fontSize="small" />
              </IconButton>
            </>
          }
        >
          {count === 1
            ? '1 application has provisioning issues'
            : `${count} applications have provisioning issues`}
        </Alert>
      )}
      <ProvisioningErrorModal
        open={open}
        onClose={onClose}
        entityRef={entityRef}
        ownerRef={ownerRef}
        applications={items}
      />
    </>
  );
};

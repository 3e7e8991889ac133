import { useCallback, useRef, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  kafkaHubProvisioningRetryPermission,
  ProvisioningStatus,
  RetryProvisioningResponse,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import ReplayIcon from '@material-ui/icons/Replay';
import { kafkaHubApiRef } from '../../api';
import { DisabledReasonTooltip } from '../DisabledReasonTooltip';
import { errorMessage } from '../ProvisioningCommon';

/**
 * Props of {@link RetryProvisioningButton}.
 *
 * @public
 */
export interface RetryProvisioningButtonProps {
  /** The entity whose application is retried. */
  entityRef: string;
  /** Current status; `in_progress` disables the button. */
  status?: ProvisioningStatus;
  /** Disables the button, e.g. while the caller knows a run is going on. */
  inProgress?: boolean;
  /** Disables the button with this reason as its tooltip. */
  disabledReason?: string;
  /** Re-run every environment, not only those that did not succeed. */
  all?: boolean;
  /** Button label; default "Retry provisioning". */
  label?: string;
  /** The button's size. */
  size?: 'small' | 'medium';
  /** Called once the backend has claimed the run. */
  onStarted?: (response: RetryProvisioningResponse) => void;
  /** Called when the backend refused or the request failed. */
  onFailed?: (error: Error) => void;
}

/**
 * Retries provisioning of one entity's application at once (no
 * confirmation): spinner while the request runs, a toast when the run has
 * started or with the server's message when it could not. A click while
 * the request runs, or while the application is in progress, does nothing,
 * so double clicks send one request. Hidden when the caller may not retry
 * provisioning of that entity.
 *
 * @public
 */
export const RetryProvisioningButton = (
  props: RetryProvisioningButtonProps,
) => {
  const {
    entityRef,
    status,
    inProgress,
    disabledReason,
    all,
    label = 'Retry provisioning',
    size = 'small',
    onStarted,
    onFailed,
  } = props;
  const api = useApi(kafkaHubApiRef);
  const alertApi = useApi(alertApiRef);
  const permission = usePermission({
    permission: kafkaHubProvisioningRetryPermission,
    resourceRef: entityRef,
  });
  const [pending, setPending] = useState(false);
  // Set synchronously, so a second click before React re-renders is ignored.
  const pendingRef = useRef(false);

  const running = inProgress || status === 'in_progress';
  const reason =
    disabledReason ??
    (running ? 'A provisioning run is in progress' : undefined);
  const disabled = pending || running || !!disabledReason;

  const onClick = useCallback(async () => {
    if (pendingRef.current || disabled) {
      return;
    }
    pendingRef.current = true;
    setPending(true);
    try {
      const response = await api.retryProvisioning(
        entityRef,
        all ? { all } : undefined,
      );
      alertApi.post({
        message: 'Provisioning retry started',
        severity: 'success',
        display: 'transient',
      });
      onStarted?.(response);
    } catch (e) {
      alertApi.post({
        message: `Failed to start provisioning: ${errorMessage(e)}`,
        severity: 'error',
      });
      onFailed?.(e as Error);
    } finally {
      pendingRef.current = false;
      setPending(false);
    }
  }, [api, alertApi, entityRef, all, disabled, onStarted, onFailed]);

  if (!permission.allowed) {
    return null;
  }

  const button = (
    <Button
      variant="outlined"
      color="primary"
      size={size}
      disabled={disabled}
      aria-busy={pending}
      onClick={onClick}
      startIcon={
        pending ? (
          <CircularProgress
            size={16}
            color="inherit"
            aria-label="Starting provisioning"
          />
        ) : (
          <ReplayIcon />
        )
      }
    >
      {label}
    </Button>
  );

  if (!reason) {
    return button;
  }
  return (
    <DisabledReasonTooltip reason={reason}>{button}</DisabledReasonTooltip>
  );
};

import { HttpAuthService } from '@backstage/backend-plugin-api';
import { MessagesApi } from '../api/MessagesApi';
import { KafkaHubRouter } from './kafkaHubRouter';

export interface MessageRoutesOptions {
  httpAuth: HttpAuthService;
  api: MessagesApi;
}

/**
 * `GET /applications/:entityRef/topics/:topic/messages` ({@link MessagesApi}):
 * a bounded, audited read of a topic's decoded messages. A client that
 * goes away cancels the read.
 */
export function messageRoutes(
  router: KafkaHubRouter,
  options: MessageRoutesOptions,
): void {
  const { httpAuth, api } = options;
  router.get(
    '/applications/:entityRef/topics/:topic/messages',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const cancel = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) cancel.abort();
      };
      res.on('close', onClose);
      try {
        res.json(
          await api.read(
            credentials,
            req.params.entityRef,
            req.params.topic,
            {
              environment: req.query.environment,
              partition: req.query.partition,
              start: req.query.start,
              offset: req.query.offset,
              timestamp: req.query.timestamp,
              limit: req.query.limit,
            },
            { request: req, cancel: cancel.signal },
          ),
        );
      } finally {
        res.off('close', onClose);
      }
    },
  );
}

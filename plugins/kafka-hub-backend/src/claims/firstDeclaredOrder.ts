import { NamespaceClaimStore } from '../database/claims';

/**
 * Orders entities that want the same unclaimed name by when their
 * application was first recorded (the earliest declaration Kafka Hub
 * knows of), then by entity ref; entities never recorded come last. So
 * after an upgrade, or once a claim is released, the entity that was
 * there first wins rather than the first in sort order.
 */
export async function firstDeclaredOrder<T extends { entityRef: string }>(
  store: Pick<NamespaceClaimStore, 'recordedSince'>,
  entities: T[],
): Promise<T[]> {
  if (entities.length <= 1) return entities;
  const since = await store.recordedSince(entities.map(e => e.entityRef));
  const at = (e: T) => since.get(e.entityRef)?.getTime() ?? Infinity;
  return [...entities].sort(
    (a, b) =>
      at(a) - at(b) ||
      (a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef)),
  );
}

import { KafkaEntity } from '../catalog/KafkaEntitiesReader';

/** The topic and role of a subject under the topic-name strategy. */
export interface SubjectTopic {
  topic: string;
  role: 'key' | 'value';
}

const TOPIC_NAME_STRATEGY = /^(.+)-(key|value)$/s;

/** `orders.created-value` → topic `orders.created`, role `value`. */
export function topicOfSubject(subject: string): SubjectTopic | undefined {
  const match = TOPIC_NAME_STRATEGY.exec(subject);
  return match
    ? { topic: match[1], role: match[2] as SubjectTopic['role'] }
    : undefined;
}

/**
 * Decides which catalog entity a subject belongs to: a subject listed in an
 * entity's `kafka-hub.io/schema-subjects` for that environment, else a
 * `<topic>-key|value` subject whose topic is under an application's prefix
 * (the longest prefix wins, so `orders.eu.` beats `orders.`). Conflicts go
 * to the first entity ref in sort order, so every replica decides alike.
 */
export class SubjectLinker {
  private readonly explicit = new Map<string, string>();
  private readonly prefixes: Array<{ prefix: string; entityRef: string }>;

  constructor(entities: readonly KafkaEntity[]) {
    const sorted = [...entities].sort((a, b) =>
      a.entityRef.localeCompare(b.entityRef),
    );
    for (const entity of sorted) {
      for (const link of entity.annotations.schemaSubjects) {
        const key = explicitKey(link.environment, link.subject);
        if (!this.explicit.has(key)) {
          this.explicit.set(key, entity.entityRef);
        }
      }
    }
    this.prefixes = sorted
      .filter(e => e.prefix !== undefined && e.prefix !== '')
      .map(e => ({ prefix: e.prefix!, entityRef: e.entityRef }))
      // Stable sort: equal lengths keep the entity ref order.
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  linkFor(environment: string, subject: string): string | undefined {
    const explicit = this.explicit.get(explicitKey(environment, subject));
    if (explicit !== undefined) {
      return explicit;
    }
    const topic = topicOfSubject(subject)?.topic;
    if (topic === undefined) {
      return undefined;
    }
    return this.prefixes.find(
      p => topic.startsWith(p.prefix) && topic.length > p.prefix.length,
    )?.entityRef;
  }
}

function explicitKey(environment: string, subject: string): string {
  return `${environment}\u0000${subject}`;
}

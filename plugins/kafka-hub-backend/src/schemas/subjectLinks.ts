import { ClaimSet } from '../claims';

export { topicOfSubject } from './topicOfSubject';
export type { SubjectTopic } from './topicOfSubject';

/**
 * Decides which catalog entity a subject belongs to, by the recorded
 * claims only: a `<topic>-key|value` subject whose topic is inside a
 * claimed namespace belongs to the namespace's holder, whatever
 * annotations say; any other subject to the entity holding its explicit
 * link claim (the first whose `kafka-hub.io/schema-subjects` named it).
 */
export class SubjectLinker {
  constructor(private readonly claims: ClaimSet) {}

  linkFor(environment: string, subject: string): string | undefined {
    return this.claims.linkOf(environment, 'schema-subject', subject)
      ?.entityRef;
  }
}

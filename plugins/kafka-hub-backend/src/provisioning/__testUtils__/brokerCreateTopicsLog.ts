import { execFileSync } from 'child_process';
import fs from 'fs';

/**
 * The broker's own record of topic creations: the KRaft controller logs
 * every CreateTopics request it handles, one line per request, each topic
 * with its outcome, e.g.
 * `CreateTopics result(s): CreatableTopic(name='a.b', ...): SUCCESS, ...`
 * or `...: TOPIC_ALREADY_EXISTS (...)`. Counting the topic's entries in the
 * lines written since `mark` counts creations the broker was asked for:
 * two runs that raced to create it show as two, whoever won.
 */
export interface BrokerCreateTopicsLog {
  /** The broker's log file (its standard output). */
  readonly file: string;
  /** Remembers where the log ends now. */
  mark(): void;
  /** Outcomes of the CreateTopics entries naming `topic` since `mark`. */
  createTopicsOutcomes(topic: string): string[];
}

/**
 * The log of the broker listening on 127.0.0.1:`port`, found from the
 * process itself (its standard output, which scripts/services/kafka.sh
 * points at its log file with the controller's INFO lines), so it does not
 * depend on the services' state directory.
 */
export function brokerCreateTopicsLog(port = 9092): BrokerCreateTopicsLog {
  const listening = execFileSync('ss', ['-ltnpH', `sport = :${port}`], {
    encoding: 'utf8',
  });
  const pid = /pid=(\d+)/.exec(listening)?.[1];
  if (!pid) {
    throw new Error(`no process listens on port ${port}: ${listening}`);
  }
  const file = fs.readlinkSync(`/proc/${pid}/fd/1`);
  if (!file.startsWith('/')) {
    throw new Error(
      `the broker (pid ${pid}) does not write its log to a file: ${file}`,
    );
  }
  let offset = fs.statSync(file).size;
  return {
    file,
    mark: () => {
      offset = fs.statSync(file).size;
    },
    createTopicsOutcomes: topic => {
      const size = fs.statSync(file).size;
      const fd = fs.openSync(file, 'r');
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      try {
        fs.readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        fs.closeSync(fd);
      }
      const entry = new RegExp(
        `CreatableTopic\\(name='${topic.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        )}',.*?\\]\\): ([A-Z_]+)`,
        'g',
      );
      return buffer
        .toString('utf8')
        .split('\n')
        .filter(line => line.includes('CreateTopics result(s)'))
        .flatMap(line => [...line.matchAll(entry)].map(m => m[1]));
    },
  };
}

/**
 * Keyspace and keyevent notifications (Redis notify.c). An event of an enabled class is published as
 * an ordinary pub/sub message: with K, on `__keyspace@<db>__:<key>` carrying the event name; with E,
 * on `__keyevent@<db>__:<event>` carrying the key. The enabled classes come from the
 * notify-keyspace-events directive, whose stored form is already canonical ("AKE", "g$xKE"…).
 */
import type { KeyspaceEventsPort, NotifyClass, PubSubPort } from '../commands/index.js';
import type { ConfigView } from '../config/index.js';

/** What 'A' stands for (Redis NOTIFY_ALL: every class but key-miss and new). */
const ALL_CLASSES: readonly NotifyClass[] = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd'];

interface EnabledEvents {
  readonly classes: ReadonlySet<string>;
  readonly keyspace: boolean;
  readonly keyevent: boolean;
}

function parseEnabled(flags: string): EnabledEvents {
  const classes = new Set<string>();
  for (const c of flags) {
    if (c === 'A') for (const f of ALL_CLASSES) classes.add(f);
    else classes.add(c);
  }
  return { classes, keyspace: classes.has('K'), keyevent: classes.has('E') };
}

export class KeyspaceNotifier implements KeyspaceEventsPort {
  private flags = '';
  private enabled: EnabledEvents = parseEnabled('');
  /** The config generation `flags` was read at: notify runs on every write, a lookup would cost. */
  private generation = -1;

  constructor(
    private readonly config: ConfigView,
    private readonly pubsub: Pick<PubSubPort, 'publish'>,
  ) {}

  notify(type: NotifyClass, event: string, key: string, dbIndex: number): void {
    if (this.generation !== this.config.generation) {
      this.generation = this.config.generation;
      const flags = this.config.getString('notify-keyspace-events');
      if (flags !== this.flags) {
        this.flags = flags;
        this.enabled = parseEnabled(flags);
      }
    }
    if (this.flags === '') return;
    const { classes, keyspace, keyevent } = this.enabled;
    if (!classes.has(type)) return;
    if (keyspace) this.pubsub.publish('channel', `__keyspace@${dbIndex}__:${key}`, event);
    if (keyevent) this.pubsub.publish('channel', `__keyevent@${dbIndex}__:${event}`, key);
  }
}

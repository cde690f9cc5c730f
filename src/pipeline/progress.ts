import type { ImageProgress } from '../images/index.js';
import type { EventSink } from '../results/types.js';

/** Image progress as run events: messages as `progress`, byte counts of a download as `download`. */
export function imageEvents(emit: EventSink): ImageProgress {
  return (e) => {
    if (e.message) emit({ type: 'progress', scope: e.distro, message: e.message });
    if (e.phase === 'download' && e.bytes !== undefined) {
      emit({
        type: 'download',
        scope: e.distro,
        bytes: e.bytes,
        total: e.total,
        bytesPerSecond: e.bytesPerSecond,
        etaSeconds: e.etaSeconds,
      });
    }
  };
}

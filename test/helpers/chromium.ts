import { chromium, type Browser } from 'playwright-core';

// Headless Chromium from Debian's chromium package (scripts/setup-host.sh installs it), driven by
// playwright-core: no browser download. The flags keep it off the network (no update, sync or
// background checks), which a closed CI network would refuse anyway, and let it run as root.
export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
}

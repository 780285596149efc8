// For browser tests: the event that proves an image injected earlier has loaded or failed (and run its handlers) by now.
/**
 * Loads `src` as an image after whatever the test has put in the page and resolves once it has
 * loaded or failed, then lets the tasks queued meanwhile run (error handlers, observers). An
 * earlier image of the same address is no later than this one.
 */
export async function imageSettled(src: string): Promise<void> {
  await new Promise<void>((done) => {
    const img = new Image();
    img.onload = img.onerror = () => done();
    img.src = src;
  });
  await new Promise((done) => setTimeout(done, 0));
}

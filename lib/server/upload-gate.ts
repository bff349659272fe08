/**
 * Fair admission for uploads (issue 20): a request takes a queue place only once its body has
 * arrived, so a client that sends slowly holds no place others need. What bounds the memory of
 * bodies still arriving is this gate: at most `maxUploads` are read at once (503 beyond, and
 * the connection is cut, since the body is not read), and each must keep a minimum rate once
 * its grace period is over (408 otherwise, see readBody).
 */
import { HttpError } from './http-error';
import { checkInteger } from '../validate';

export class UploadGate {
  private open = 0;

  constructor(readonly maxUploads: number) {
    checkInteger('maxUploads', maxUploads, 1);
  }

  /** uploads being read now */
  get inFlight(): number {
    return this.open;
  }

  /** Takes a reading place, or throws 503; the returned function gives it back (idempotent). */
  enter(): () => void {
    if (this.open >= this.maxUploads) {
      throw new HttpError(503, `the server is reading ${this.open} uploads already (limit ${this.maxUploads}): try again in 1 s`,
        { 'Retry-After': '1', Connection: 'close' });
    }
    this.open++;
    let left = false;
    return (): void => {
      if (left) return;
      left = true;
      this.open--;
    };
  }
}

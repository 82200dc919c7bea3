"""Shared by the IMAP load generators: start worker processes together and time them from one barrier."""
import multiprocessing
import time


def run_together(target, worker_args):
    """Starts one process per tuple in worker_args, calling target(*args, barrier, results); each worker waits on the
    barrier, then puts one outcome tuple on results. Returns (outcomes, seconds from the barrier to the last outcome)."""
    barrier = multiprocessing.Barrier(len(worker_args) + 1)
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=target, args=(*a, barrier, results)) for a in worker_args]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    outcomes = [results.get() for _ in workers]
    seconds = time.perf_counter() - start
    for w in workers:
        w.join()
    return outcomes, seconds


def summarize(outcomes):
    """(sum of the first fields, sum of the second fields, the first non-empty third field) over (count, errors, error)."""
    return sum(o[0] for o in outcomes), sum(o[1] for o in outcomes), next((o[2] for o in outcomes if o[2]), "")

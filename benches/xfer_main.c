/* qssl-xfer: the data-transfer benchmark of bench_xfer.c as a program of its
 * own (qssl-bench --xfer runs the same code). */
int qssl_xfer_main(int argc, char **argv);

int main(int argc, char **argv) { return qssl_xfer_main(argc, argv); }

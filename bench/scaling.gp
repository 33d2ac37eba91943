# Aggregate calls per second when 1, 2, 4 or 8 threads call Add at once.
load sprintf("%s/common.gp", system("dirname ".ARG0))
set logscale x 2
set xtics (1, 2, 4, 8)
set xrange [0.8:10]
set logscale y
set ylabel "million calls/s, all threads together (log scale)"
set xlabel "calling threads"
set title "Thread scaling: concurrent BenchAdd() calls" noenhanced
do for [t in "svg png"] {
    if (t eq "svg") { set terminal svg size 900,560 dynamic font "sans,11" } else { set terminal pngcairo size 900,560 font "sans,10" }
    set output sprintf("%s/scaling.%s", outdir, t)
    plot for [i=2:ncols] sprintf("%s/scaling.dat", datadir) using 1:i with linespoints lw 2 pt 7 title columnheader(i)
}

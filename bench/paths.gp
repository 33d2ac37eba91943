# ns per call of each way of crossing between C and Go, per Go release.
load sprintf("%s/common.gp", system("dirname ".ARG0))
set style data histograms
set logscale y
set ylabel "ns per call (median, log scale)"
set xlabel "Go release"
set title "Call cost by path: Add(int,int) from a pthread; ctypes from Python's main thread" noenhanced
do for [t in "svg png"] {
    if (t eq "svg") { set terminal svg size 1100,560 dynamic font "sans,11" } else { set terminal pngcairo size 1100,560 font "sans,10" }
    set output sprintf("%s/paths.%s", outdir, t)
    plot for [i=2:ncols] sprintf("%s/paths.dat", datadir) using i:xtic(1) title columnheader(i)
}

# The empty export called from the process's main thread and from a
# pthread, through each linkage, per Go release.
load sprintf("%s/common.gp", system("dirname ".ARG0))
set style data histograms
set logscale y
set ylabel "ns per call (median, log scale)"
set xlabel "Go release"
set title "BenchEmpty(): main thread vs pthread" noenhanced
do for [t in "svg png"] {
    if (t eq "svg") { set terminal svg size 1100,560 dynamic font "sans,11" } else { set terminal pngcairo size 1100,560 font "sans,10" }
    set output sprintf("%s/threads.%s", outdir, t)
    plot for [i=2:ncols] sprintf("%s/threads.dat", datadir) using i:xtic(1) title columnheader(i)
}

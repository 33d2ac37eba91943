# What the arguments add: the same crossing with different signatures.
load sprintf("%s/common.gp", system("dirname ".ARG0))
set style data histograms
set logscale y
set ylabel "ns per call (median, log scale)"
set xlabel "Go release"
set title "Arguments (dlsym pointer, from a pthread)" noenhanced
do for [t in "svg png"] {
    if (t eq "svg") { set terminal svg size 1100,560 dynamic font "sans,11" } else { set terminal pngcairo size 1100,560 font "sans,10" }
    set output sprintf("%s/args.%s", outdir, t)
    plot for [i=2:ncols] sprintf("%s/args.dat", datadir) using i:xtic(1) title columnheader(i)
}

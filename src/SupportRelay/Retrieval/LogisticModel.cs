using System.Text.Json.Serialization;

namespace SupportRelay.Retrieval;

/// <summary>
/// A logistic regression over named features, standardized with the training set's means and scales:
/// <c>p = 1 / (1 + e^-(bias + Σ weight_i × (x_i − mean_i) / scale_i))</c>. Fitted offline on the tuning half of the
/// labelled messages (<c>bench -- decisions-fit</c>); the coefficients ship with the program.
/// </summary>
public sealed record LogisticModel(
    [property: JsonPropertyName("features")] IReadOnlyList<string> Features,
    [property: JsonPropertyName("mean")] IReadOnlyList<double> Mean,
    [property: JsonPropertyName("scale")] IReadOnlyList<double> Scale,
    [property: JsonPropertyName("weights")] IReadOnlyList<double> Weights,
    [property: JsonPropertyName("bias")] double Bias)
{
    public double Logit(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var z = Bias;
        for (var i = 0; i < Weights.Count; i++)
        {
            z += Weights[i] * (x[i] - Mean[i]) / Scale[i];
        }

        return z;
    }

    public double Probability(IReadOnlyList<double> x) => Sigmoid(Logit(x));

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// Fits by gradient descent on the mean log loss with an L2 penalty (<paramref name="l2"/>), features
    /// standardized first. Small data, a few features: plain full-batch descent converges in a few thousand steps.
    /// </summary>
    public static LogisticModel Fit(IReadOnlyList<string> features, IReadOnlyList<double[]> rows, IReadOnlyList<bool> labels,
        double l2 = 1e-3, int steps = 4000, double rate = 0.5)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        var n = rows.Count;
        var d = features.Count;
        var mean = new double[d];
        var scale = new double[d];
        for (var j = 0; j < d; j++)
        {
            mean[j] = rows.Average(r => r[j]);
            var variance = rows.Average(r => (r[j] - mean[j]) * (r[j] - mean[j]));
            scale[j] = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        }

        var x = rows.Select(r => r.Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();
        var w = new double[d];
        var b = 0.0;
        var gradient = new double[d];
        for (var step = 0; step < steps; step++)
        {
            Array.Clear(gradient);
            var gradientBias = 0.0;
            for (var i = 0; i < n; i++)
            {
                var z = b;
                for (var j = 0; j < d; j++)
                {
                    z += w[j] * x[i][j];
                }

                var error = Sigmoid(z) - (labels[i] ? 1 : 0);
                gradientBias += error;
                for (var j = 0; j < d; j++)
                {
                    gradient[j] += error * x[i][j];
                }
            }

            b -= rate * gradientBias / n;
            for (var j = 0; j < d; j++)
            {
                w[j] -= rate * ((gradient[j] / n) + (l2 * w[j]));
            }
        }

        return new LogisticModel(features, mean, scale, w, b);
    }
}
